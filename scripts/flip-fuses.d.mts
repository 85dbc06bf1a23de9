// Types of scripts/flip-fuses.mjs for the tests that import it.
import type { FuseV1Config } from '@electron/fuses'

export declare const FUSES: FuseV1Config<boolean>
export declare function flipAppFuses(binary: string): Promise<Record<number, number>>
