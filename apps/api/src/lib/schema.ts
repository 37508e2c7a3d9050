import { ErrorResponse } from '@dreamify/core'

/** Response schemas for the error statuses a route can answer with, all in the one error shape. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries([...statuses, 500].map((status) => [status, ErrorResponse]))

export const bearerAuth = [{ bearerAuth: [] }]
