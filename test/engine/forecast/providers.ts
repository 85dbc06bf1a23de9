// What the execution-provider fallback chain must report on any machine (a laptop, a GPU server,
// one with a Vulkan loader): tests assert this instead of a fixed provider, so they pass wherever
// they run and still fail when the chain misreports.
import { expect } from 'vitest'
import {
  ForecastModel,
  providerOrder,
  type ProviderAttempt,
} from '../../../src/engine/forecast/model'

export interface ProviderReport {
  provider: string
  fallbacks: ProviderAttempt[]
}

/** The provider that ran is one of this platform's, and every provider tried before it is
 * reported as a fallback, in order, with a reason. */
export function expectFallbackChain(r: ProviderReport): void {
  const order = providerOrder()
  const at = order.indexOf(r.provider)
  expect(
    at,
    `provider ${r.provider} is not in the chain ${order.join(' → ')}`,
  ).toBeGreaterThanOrEqual(0)
  expect(r.fallbacks.map((f) => f.provider)).toEqual(order.slice(0, at))
  for (const f of r.fallbacks) expect(f.error.length).toBeGreaterThan(0)
}

/** The chain's report on this machine, for tests of a subprocess that prints only the provider. */
export async function providerHere(model = 'resources/models/h1'): Promise<ProviderReport> {
  const m = await ForecastModel.load(model)
  try {
    expectFallbackChain(m)
    return { provider: m.provider, fallbacks: m.fallbacks }
  } finally {
    await m.release()
  }
}

/** A provider of another platform, which ONNX Runtime never has here: forcing it must fail. */
export const FOREIGN_PROVIDER = process.platform === 'win32' ? 'coreml' : 'dml'
