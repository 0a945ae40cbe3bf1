/** Compile reports: `--report <path>` / `$COMPILER_REPORT` for every subcommand that writes files. */
export {
  canonicalArgv,
  describeInputs,
  type InputRef,
  isEncryptedFile,
  REDACTED,
  renderReport,
  REPORT_API_VERSION,
  REPORT_ENV,
  REPORT_FLAG,
  type ReportContent,
  type ReportInput,
  type ReportOutput,
  reportPathInside,
  type ReportRequest,
  reportRequest,
  writeReportAlone,
  writeTreeWithReport,
  type WriteWithReportOptions,
} from "./report.ts";
export { type ReportHookSpec, withCompileReport } from "./hook.ts";
