// sigma's edge frame pass, run again only when what it computes can have changed. Each frame sigma
// 4 runs it over every edge (one point per edge: where the edge meets its nodes' borders, written
// into a texture the edge programs read); in software WebGL that is ≈ 50 ms of a ≈ 100 ms frame at
// 75k edges, paid by every hover and every step of a pan though no edge moved (BENCHMARKS.md).
// Its output depends on the edges' endpoints (edge-cache.ts's version), the nodes' positions,
// sizes and shapes (node-cache.ts's version), and of the camera only on the zoom and the angle
// (`sizeRatio`, `correctionRatio`, `cameraAngle`): the clamps are found in graph space, not on
// screen, and with straight edges and no arrows an edge's thickness does not enter them. The
// texture keeps the last output, so a frame with the same inputs skips the pass.
// It relies on sigma 4.0.4 (pinned): `sigma.edgeFramePass.run(params, frameTexture, edgeCount, …)`,
// made again when the WebGL context is restored (then `webglContextRestored` is emitted).
import type Sigma from 'sigma'
import type { RenderParams } from 'sigma/types'

interface FrameTexture {
  getTextureWidth(): number
  getTextureHeight(): number
}

interface FramePass {
  run(params: RenderParams, texture: FrameTexture, edgeCount: number, ...rest: unknown[]): void
}

interface Versioned {
  readonly version: number
}

export class EdgeFramePassCache {
  private last: string | null = null
  /** Frames that ran the pass, and frames that kept its last output. */
  readonly counts = { run: 0, kept: 0 }

  constructor(
    private readonly sigma: Sigma,
    private readonly edges: Versioned,
    private readonly nodes: Versioned,
  ) {
    this.wrap()
    sigma.on('webglContextRestored', () => this.wrap())
  }

  private wrap(): void {
    const pass = (this.sigma as unknown as { edgeFramePass: FramePass | null }).edgeFramePass
    if (!pass) return
    this.last = null
    const run = pass.run.bind(pass)
    pass.run = (params, texture, edgeCount, ...rest) => {
      const key = [
        this.edges.version,
        this.nodes.version,
        edgeCount,
        texture.getTextureWidth(),
        texture.getTextureHeight(),
        params.nodeDataTextureWidth,
        params.edgeDataTextureWidth,
        params.sizeRatio,
        params.correctionRatio,
        params.cameraAngle,
      ].join(',')
      if (key === this.last) {
        this.counts.kept++
        return
      }
      run(params, texture, edgeCount, ...rest)
      this.last = key
      this.counts.run++
    }
  }
}
