/** Every route by name; hrefs encode each segment (repository names contain '/'). */
const seg = encodeURIComponent;

export const paths = {
  signIn: { path: '/sign-in', href: (redirect?: string) => `/sign-in${redirect ? `?redirect=${seg(redirect)}` : ''}` },
  projects: { path: '/projects', href: () => '/projects' },
  project: { path: '/projects/:project', href: (project: string) => `/projects/${seg(project)}` },
} as const;
