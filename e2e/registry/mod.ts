export {
  type AccessLine,
  htpasswdLine,
  type Registry,
  type RegistryOptions,
  startRegistry,
} from "./launcher.ts";
export { startTokenServer, type TokenServer } from "./token_server.ts";
