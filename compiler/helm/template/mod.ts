// Go text/template in TypeScript — public API (renderers.md §1).
export {
  GO_SIG,
  type GoFunc,
  goFunc,
  type GoSig,
  type MissingKey,
  type ParamType,
  TemplateError,
  TemplateSet,
} from "./template.ts";
export {
  formatFloatG,
  fromGo,
  GO_TYPE,
  GoInt,
  goInt,
  goInt64,
  goKindName,
  goPrint,
  goStrCmp,
  GoStruct,
  goTypeName,
  goUint8,
  type IntKind,
  isPlainMap,
  isStruct,
  isTrue,
  printValue,
  sortedKeys,
  stringSlice,
  tagType,
  toGo,
} from "./value.ts";
export { goQuote, sprint, sprintf, sprintln } from "./fmt.ts";
export { goEq, goIndex, goLen, goLt, goSlice, htmlEscape, jsEscape, urlQueryEscape } from "./builtins.ts";
