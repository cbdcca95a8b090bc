// Types for @elastic/ecs-helpers (the package ships none); only what this project uses.
declare module '@elastic/ecs-helpers' {
  const helpers: { readonly version: string };
  export default helpers;
}
