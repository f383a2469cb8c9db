// The library's index, generated at build time by vite.config.ts (libraryIndex).
declare module "virtual:scenario-library-index" {
  const index: readonly { file: string; title: string; cluster: boolean }[];
  export default index;
}
