import { onBeforeUnmount, ref } from 'vue'
import { api } from '@/api'
import { ApiError } from '@/api/client'
import type { ExportStatus } from '@/api/types'

const POLL_MS = 1000

/** Start a CSV export and poll its status until it is done or failed. */
export function useExportJob() {
  const status = ref<ExportStatus | null>(null)
  /** The venue of the export in `status`: the page may have another one chosen meanwhile. */
  const exportedVenueId = ref<number | null>(null)
  const error = ref<string | null>(null)
  const starting = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null

  const stop = () => {
    if (timer) clearTimeout(timer)
    timer = null
  }

  async function poll(jobId: string) {
    try {
      status.value = await api.exportStatus(jobId)
      if (status.value.state === 'pending' || status.value.state === 'running') {
        timer = setTimeout(() => void poll(jobId), POLL_MS)
      }
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : 'Lost track of the export.'
    }
  }

  async function start(venueId: number) {
    stop()
    status.value = null
    error.value = null
    exportedVenueId.value = venueId
    starting.value = true
    try {
      const { job_id } = await api.startExport(venueId)
      status.value = { job_id, state: 'pending', progress: 0 }
      await poll(job_id)
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : 'The export could not be started.'
    } finally {
      starting.value = false
    }
  }

  const downloadUrl = (s: ExportStatus) => s.download_url ?? api.exportDownloadUrl(s.job_id)

  onBeforeUnmount(stop)
  return { status, exportedVenueId, error, starting, start, downloadUrl }
}
