import { QueryClient } from '@tanstack/react-query'

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A 4xx will not change on its own, except a 401 just answered by a token refresh.
      retry: (count, error) => {
        const status = (error as { status?: number }).status ?? 0
        if (status === 401) return count < 1
        return status >= 500 || status === 0 ? count < 2 : false
      },
    },
  },
})
