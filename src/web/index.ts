// The web view's public API (`audit-trail-opensearch/web`): the Manage > Audit app, its server, its users, API tokens and the auditor-action hook.
export { createWebApp, type WebAppOptions } from './web-app.js';
export { startWebServer, type WebServer, type WebServerOptions } from './server.js';
export { UserStore, UserError, generatePassword, type User } from './auth/users.js';
export { TokenStore, TokenError, type ApiToken } from './api/token-store.js';
export type { AuditorAction, AuditorActionHook, AuditorActionKind, AuditorActor } from './auditor-action.js';
export type { OidcSettings } from './oidc/oidc-settings.js';
export type { ProviderSignOut } from './oidc/provider-sign-out.js';
export type { MachineAccessOptions } from './machine-access.js';
