// Fallback peak-RSS probe when GNU time is missing: run a script in this process and write
// process.resourceUsage().maxRSS (kB) to a file on exit (exit handlers run even on process.exit).
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const [rssFile, script, ...rest] = process.argv.slice(2)
process.on('exit', () => writeFileSync(rssFile, String(process.resourceUsage().maxRSS)))
process.argv = [process.argv[0], resolve(script), ...rest]
await import(pathToFileURL(resolve(script)).href)
