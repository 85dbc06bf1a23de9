// The derived data an import keeps up to date, registered as store hooks (store/hooks.ts) by the
// modules that own it, so the importers need not know who listens. A program that imports weeks
// loads this module once (the CLI's import and demo commands, the workbench session).
import './forecast/memory' // pair-memory checkpoints
