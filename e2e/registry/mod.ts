export {
  type AccessLine,
  htpasswdLine,
  type Registry,
  type RegistryOptions,
  startRegistry,
} from "./launcher.ts";
