// NOT_FOUND errors of the graph explorer's calls, naming the request field at fault.
import { DexposureError } from '../../shared/errors'

export const weekNotFound = (week: string): DexposureError =>
  new DexposureError('NOT_FOUND', `week ${week} is not in the archive`, { week, field: 'week' })

export const nodeNotFound = (nodeId: string, field: string, week?: string): DexposureError =>
  new DexposureError(
    'NOT_FOUND',
    week === undefined
      ? `node "${nodeId}" is in no archived week`
      : `node "${nodeId}" is not in week ${week}`,
    week === undefined ? { field } : { field, week },
  )
