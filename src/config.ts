// The only reader of process.env. Parsed once; everything else receives values explicitly.
import { z } from 'zod'

const EnvSchema = z.object({
  LOYALS_DB: z.string().min(1).optional(),
  LOYALS_TZ: z.string().min(1).optional(),
  NO_COLOR: z.string().optional(),
})

export type Env = z.infer<typeof EnvSchema>

let cached: Env | undefined

export function env(): Env {
  cached ??= EnvSchema.parse(process.env)
  return cached
}
