import { useSyncExternalStore } from 'react'
import { session } from './session.ts'

export const useSessionStatus = () => useSyncExternalStore(session.subscribe, session.status)
