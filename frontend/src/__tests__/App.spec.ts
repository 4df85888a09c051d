import { render } from '@testing-library/vue'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { api } from '@/api'
import App from '@/App.vue'
import { routes } from '@/router'

describe('App', () => {
  it('moves focus to the new page after navigation, or to the field it asks for', async () => {
    vi.spyOn(api, 'me').mockResolvedValue({ user: null as never })
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        ...routes.filter((r) => r.name !== 'home'),
        { path: '/', name: 'home', component: { template: '<p>Home</p>' } },
        { path: '/other', component: { template: '<p>Other</p>' } },
        { path: '/scan', component: { template: '<input aria-label="Scan" autofocus />' } },
      ],
    })
    render(App, { global: { plugins: [createPinia(), router] } })
    await router.push('/') // the page load: focus stays where the browser puts it
    await router.push('/other')
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('main'))
    await router.push('/scan')
    await vi.waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Scan'))
  })
})
