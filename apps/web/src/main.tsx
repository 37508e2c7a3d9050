import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { RouterProvider } from 'react-router'
import { router } from './app/router.tsx'
import { ErrorBoundary } from './components/notices.tsx'
import { queryClient } from './lib/query-client.ts'
import { refreshSession } from './lib/session.ts'
import './styles/base.css'
import './styles/screens.css'
import './styles/reader.css'

// A reload keeps the parent signed in through the refresh cookie (or lands on sign-in without one).
void refreshSession()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </ErrorBoundary>
  </StrictMode>,
)
