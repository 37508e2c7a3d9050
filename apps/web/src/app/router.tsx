import { lazy, Suspense } from 'react'
import { createBrowserRouter, Navigate } from 'react-router'
import { Layout } from '../components/layout.tsx'
import { Loading } from '../components/notices.tsx'
import { RequireSession } from '../components/require-session.tsx'
import { RegisterPage } from '../features/auth/routes/register-page.tsx'
import { SignInPage } from '../features/auth/routes/sign-in-page.tsx'
import { ChildrenPage } from '../features/children/routes/children-page.tsx'

// The screens a parent reaches after the first one are loaded when first visited.
const ChildFormPage = lazy(() => import('../features/children/routes/child-form-page.tsx'))
const NewStoryPage = lazy(() => import('../features/stories/routes/new-story-page.tsx'))
const StoryProgressPage = lazy(() => import('../features/stories/routes/story-progress-page.tsx'))
const ReaderPage = lazy(() => import('../features/reader/routes/reader-page.tsx'))
const LibraryPage = lazy(() => import('../features/library/routes/library-page.tsx'))
const AccountPage = lazy(() => import('../features/account/routes/account-page.tsx'))

const later = (element: React.ReactNode) => <Suspense fallback={<Loading what="the page" />}>{element}</Suspense>

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/register', element: <RegisterPage /> },
      {
        element: <RequireSession />,
        children: [
          { path: '/', element: <ChildrenPage /> },
          { path: '/children/new', element: later(<ChildFormPage />) },
          { path: '/children/:childId/edit', element: later(<ChildFormPage />) },
          { path: '/stories/new', element: later(<NewStoryPage />) },
          { path: '/stories/:storyId', element: later(<StoryProgressPage />) },
          { path: '/stories/:storyId/read/:chapter', element: later(<ReaderPage />) },
          { path: '/library', element: later(<LibraryPage />) },
          { path: '/account', element: later(<AccountPage />) },
        ],
      },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
])
