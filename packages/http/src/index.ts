export * from './health.ts'
export * from './metrics-route.ts'
export * from './not-found.ts'
