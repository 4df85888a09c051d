import { createRouter, createWebHistory, type RouteLocationNormalized, type Router, type RouteRecordRaw } from 'vue-router'
import { setUnauthorizedHandler } from '@/api/client'
import { safeNext } from '@/lib/nav'
import { useAuthStore } from '@/stores/auth'
import { useNoticesStore } from '@/stores/notices'
import HomeView from '@/views/HomeView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    requiresAuth?: boolean
    requiresAdmin?: boolean
    /** Sign-in pages: someone already signed in goes on to where they were heading. */
    guestOnly?: 'user' | 'admin'
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView, meta: { title: 'Find a show' } },
  { path: '/signin', name: 'signin', component: () => import('@/views/SignInView.vue'), meta: { title: 'Sign in', guestOnly: 'user' } },
  { path: '/signup', name: 'signup', component: () => import('@/views/SignUpView.vue'), meta: { title: 'Sign up', guestOnly: 'user' } },
  { path: '/forgot-password', name: 'forgot-password', component: () => import('@/views/ForgotPasswordView.vue'), meta: { title: 'Forgot password' } },
  // The link in the reset mail.
  { path: '/reset-password', name: 'reset-password', component: () => import('@/views/ResetPasswordView.vue'), meta: { title: 'Set a new password' } },
  { path: '/shows/:id(\\d+)', name: 'show', component: () => import('@/views/ShowView.vue'), meta: { title: 'Choose seats' } },
  {
    path: '/shows/:id(\\d+)/confirm',
    name: 'confirm',
    component: () => import('@/views/ConfirmView.vue'),
    meta: { title: 'Confirm booking', requiresAuth: true },
  },
  { path: '/bookings', name: 'bookings', component: () => import('@/views/MyBookingsView.vue'), meta: { title: 'My bookings', requiresAuth: true } },
  {
    path: '/bookings/:id(\\d+)',
    name: 'booking',
    component: () => import('@/views/BookingDoneView.vue'),
    meta: { title: 'Your tickets', requiresAuth: true },
  },
  { path: '/unsubscribe', name: 'unsubscribe', component: () => import('@/views/UnsubscribeView.vue'), meta: { title: 'E-mail preferences' } },
  { path: '/profile', name: 'profile', component: () => import('@/views/ProfileView.vue'), meta: { title: 'Profile', requiresAuth: true } },

  { path: '/admin/login', name: 'admin-login', component: () => import('@/views/admin/AdminLoginView.vue'), meta: { title: 'Admin sign in', guestOnly: 'admin' } },
  { path: '/admin', name: 'admin', component: () => import('@/views/admin/AdminDashboardView.vue'), meta: { title: 'Dashboard', requiresAdmin: true } },
  { path: '/admin/venues', name: 'admin-venues', component: () => import('@/views/admin/AdminVenuesView.vue'), meta: { title: 'Venues', requiresAdmin: true } },
  { path: '/admin/venues/new', name: 'admin-venue-new', component: () => import('@/views/admin/AdminVenueEditView.vue'), meta: { title: 'New venue', requiresAdmin: true } },
  {
    path: '/admin/venues/:id(\\d+)/edit',
    name: 'admin-venue-edit',
    component: () => import('@/views/admin/AdminVenueEditView.vue'),
    meta: { title: 'Edit venue', requiresAdmin: true },
  },
  {
    path: '/admin/venues/:id(\\d+)/shows',
    name: 'admin-venue-shows',
    component: () => import('@/views/admin/AdminShowsView.vue'),
    meta: { title: 'Shows', requiresAdmin: true },
  },
  {
    path: '/admin/venues/:venueId(\\d+)/shows/new',
    name: 'admin-show-new',
    component: () => import('@/views/admin/AdminShowEditView.vue'),
    meta: { title: 'New show', requiresAdmin: true },
  },
  {
    path: '/admin/shows/:id(\\d+)/edit',
    name: 'admin-show-edit',
    component: () => import('@/views/admin/AdminShowEditView.vue'),
    meta: { title: 'Edit show', requiresAdmin: true },
  },
  {
    path: '/admin/tickets',
    name: 'admin-tickets',
    component: () => import('@/views/admin/AdminTicketCheckView.vue'),
    meta: { title: 'Check a ticket', requiresAdmin: true },
  },
  { path: '/admin/export', name: 'admin-export', component: () => import('@/views/admin/AdminExportView.vue'), meta: { title: 'Export', requiresAdmin: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: 'Not found' } },
]

export const SESSION_ENDED = 'Your session has ended; please sign in again.'
export const ADMINS_ONLY = 'That page is for administrators.'

export async function guard(to: RouteLocationNormalized) {
  const auth = useAuthStore()
  await auth.ensureLoaded().catch(() => undefined)
  /** To sign in, saying why when the server refused a session this browser held (a first
   * visit, which never had one, needs no reason). */
  const signIn = (name: 'signin' | 'admin-login') => {
    if (auth.takeSessionEnded()) useNoticesStore().push('error', SESSION_ENDED)
    return { name, query: { next: to.fullPath } }
  }
  if (to.meta.requiresAdmin) {
    if (!auth.signedIn) return signIn('admin-login')
    if (!auth.isAdmin) {
      useNoticesStore().push('error', ADMINS_ONLY)
      return { name: 'home' }
    }
  }
  if (to.meta.requiresAuth && !auth.signedIn) return signIn('signin')
  if (to.meta.guestOnly === 'user' && auth.signedIn) return safeNext(to.query.next)
  if (to.meta.guestOnly === 'admin' && auth.isAdmin) return safeNext(to.query.next, '/admin')
  return true
}

/**
 * The one place a 401 becomes "go to sign-in": the session is dropped, the server's message
 * shown, and the page the user was on is kept as ?next= so signing in brings them back.
 */
export function installUnauthorizedRedirect(router: Router): void {
  setUnauthorizedHandler((error) => {
    useAuthStore().forget()
    useNoticesStore().push('error', error.message || 'Please sign in to continue.')
    const current = router.currentRoute.value
    const target = current.path.startsWith('/admin') ? 'admin-login' : 'signin'
    if (current.name === target) return
    void router.push({ name: target, query: { next: current.fullPath } })
  })
}

/** Toasts of pages left behind go away (a query change, such as a search, stays on the page). */
export function installNoticeClearing(router: Router): void {
  router.afterEach((to, from, failure) => {
    if (!failure && to.path !== from.path) useNoticesStore().navigated()
  })
}

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  router.beforeEach(guard)
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · BoxOffice` : 'BoxOffice'
  })
  installUnauthorizedRedirect(router)
  installNoticeClearing(router)
  return router
}
