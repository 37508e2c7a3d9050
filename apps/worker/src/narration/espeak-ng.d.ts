// The package ships no types: its default export instantiates the Emscripten module of the CLI.
declare module 'espeak-ng' {
  interface ESpeakNgModule {
    FS: { readFile(path: string): Uint8Array }
  }
  export default function ESpeakNg(options: {
    arguments: string[]
    print?: (line: string) => void
    printErr?: (line: string) => void
  }): Promise<ESpeakNgModule>
}
