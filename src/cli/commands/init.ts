import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import type { CliContext } from '../context'

export function register(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('create an empty archive (or check an existing one)')
    .action((_opts, cmd: Command) => {
      const file = ctx.archivePath(cmd)
      const existed = existsSync(file)
      const archive = ctx.openArchive(cmd)
      try {
        const weeks = archive.listWeeks().length
        const schemaVersion = archive.schemaVersion()
        ctx.output(
          cmd,
          { archive: file, created: !existed, schemaVersion, weeks },
          existed
            ? `archive ${file} already exists (schema ${schemaVersion}, ${weeks} weeks)`
            : `created archive ${file} (schema ${schemaVersion})`,
        )
      } finally {
        archive.close()
      }
    })
}
