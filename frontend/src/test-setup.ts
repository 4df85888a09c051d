import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/vue'
import { afterEach } from 'vitest'

// Testing Library only auto-cleans with global test APIs; we import them explicitly instead.
afterEach(() => cleanup())
