import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { installNoticeClearing } from '@/router'
import { useNoticesStore } from '@/stores/notices'

beforeEach(() => setActivePinia(createPinia()))

function makeRouter() {
  const page = { render: () => h('div') }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['/', '/shows/7', '/signin', '/signup'].map((path) => ({ path, component: page })),
  })
  installNoticeClearing(router)
  return router
}

const texts = () => useNoticesStore().items.map((n) => n.text)

describe('notices across navigation', () => {
  it('keep a notice on the page it sends the person to, and drop it on the next', async () => {
    const router = makeRouter()
    await router.push('/shows/7')
    useNoticesStore().info('Sign in to choose your seats.')
    await router.push('/signin?next=/shows/7')
    expect(texts()).toEqual(['Sign in to choose your seats.'])
    await router.push('/signup?next=/shows/7')
    expect(texts()).toEqual([])
  })

  it('stay while only the query changes', async () => {
    const router = makeRouter()
    await router.push('/')
    useNoticesStore().error(new Error('boom'), 'Could not load the shows.')
    await router.push('/?q=dune')
    await router.push('/?q=dun')
    expect(texts()).toEqual(['Could not load the shows.'])
  })
})
