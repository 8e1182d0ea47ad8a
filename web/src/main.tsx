import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import './index.css';
import './i18n/index.ts';
import { Layout } from './app/layout.tsx';
import { AuthGuard } from './app/auth-guard.tsx';
import { paths } from './app/paths.ts';
import { applyTheme } from './app/theme.ts';
import { setUnauthorizedHandler, ApiError } from './api/client.ts';
import { sessionKeys } from './api/session.ts';

applyTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2, refetchOnWindowFocus: false },
  },
});

const router = createBrowserRouter([
  { path: paths.signIn.path, lazy: async () => ({ Component: (await import('./pages/sign-in/sign-in-page.tsx')).default }) },
  {
    element: <AuthGuard />,
    children: [{
      element: <Layout />,
      children: [
        { index: true, element: <Navigate to={paths.projects.href()} replace /> },
        { path: paths.projects.path, lazy: async () => ({ Component: (await import('./pages/projects/projects-page.tsx')).default }) },
        { path: '*', lazy: async () => ({ Component: (await import('./pages/not-found-page.tsx')).default }) },
      ],
    }],
  },
]);

// A lost session sends the user to sign-in and back to where they were.
setUnauthorizedHandler(() => {
  queryClient.setQueryData(sessionKeys.current, null);
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
