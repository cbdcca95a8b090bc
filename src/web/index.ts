// The web view's public API (`audit-trail-opensearch/web`): the Manage > Audit app, its server and its users.
export { createWebApp, type WebAppOptions } from './web-app.js';
export { startWebServer, type WebServer, type WebServerOptions } from './server.js';
export { UserStore, UserError, generatePassword, type User } from './auth/users.js';
