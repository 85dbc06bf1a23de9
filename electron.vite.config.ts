// electron-vite builds the three Electron bundles: main (Node, Electron APIs), preload (CommonJS,
// so the renderer can stay sandboxed) and the renderer (minified; also served by browser mode).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

// dockview-core 8 ships its stylesheet only inside its UMD bundle (a string injected at load time;
// the ESM build we import has none). This serves that string as `virtual:dockview.css`, so Vite
// bundles it as ordinary CSS (no inline <style> injection at run time, one copy of the code).
function dockviewCss(): Plugin {
  const id = 'virtual:dockview.css'
  return {
    name: 'dockview-css',
    resolveId: (source) => (source === id ? '\0' + id : null),
    load(resolved) {
      if (resolved !== '\0' + id) return null
      const umd = readFileSync(
        resolve(__dirname, 'node_modules/dockview-core/dist/dockview-core.js'),
        'utf8',
      )
      const m = /s\.textContent = ("(?:[^"\\]|\\.)*");/.exec(umd)
      if (!m) throw new Error('dockview-core: its stylesheet was not found in the UMD bundle')
      return JSON.parse(m[1]) as string
    },
  }
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(__dirname, 'src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [dockviewCss()],
    build: {
      outDir: 'out/renderer',
      // DEXPOSURE_MINIFY=0 builds a readable bundle for CPU profiles (function names, lines)
      minify: process.env.DEXPOSURE_MINIFY !== '0',
      chunkSizeWarningLimit: 1500,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
})
