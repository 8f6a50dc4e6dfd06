// Time zone names that look like zones but are abbreviations. ICU (in DuckDB and in Intl) still
// accepts Java's old three-letter ids, and reads them as one zone each: BST as Asia/Dhaka, not
// British Summer Time; AST as Anchorage, not Atlantic; IST as Kolkata. A user who writes them
// means something else as often as not, so they are refused with the zone to write instead.
import { closestWords, orList } from './words.ts'

/** Java's legacy ids that ICU knows but the IANA database does not, with what ICU reads. */
const LEGACY_IDS: Readonly<Record<string, string>> = {
  ACT: 'Australia/Darwin',
  AET: 'Australia/Sydney',
  AGT: 'America/Argentina/Buenos_Aires',
  ART: 'Africa/Cairo',
  AST: 'America/Anchorage',
  BET: 'America/Sao_Paulo',
  BST: 'Asia/Dhaka',
  CAT: 'Africa/Harare',
  CNT: 'America/St_Johns',
  CST: 'America/Chicago',
  CTT: 'Asia/Shanghai',
  EAT: 'Africa/Addis_Ababa',
  ECT: 'Europe/Paris',
  IET: 'America/Indiana/Indianapolis',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  MIT: 'Pacific/Apia',
  NET: 'Asia/Yerevan',
  NST: 'Pacific/Auckland',
  PLT: 'Asia/Karachi',
  PNT: 'America/Phoenix',
  PRT: 'America/Puerto_Rico',
  PST: 'America/Los_Angeles',
  SST: 'Pacific/Guadalcanal',
  VST: 'Asia/Ho_Chi_Minh',
}

/**
 * Why `name` must not be taken as a time zone (an abbreviation ICU reads as one zone of several it
 * may mean, or an offset written as a zone), or null for a name to check as usual.
 * @example zoneNameProblem('BST') // "BST is an abbreviation, not a time zone: ..."
 * @example zoneNameProblem('UTC+2') // "UTC+2 is an offset, not a time zone: ..."
 */
export function zoneNameProblem(name: string): string | null {
  const icu = LEGACY_IDS[name.toUpperCase()]
  if (icu) {
    return `${name} is an abbreviation, not a time zone: it stands for different zones (ICU would read it as ${icu}); use an IANA name such as Europe/London or America/New_York`
  }
  // the IANA database's EST is a fixed -05:00 all year (its MST and HST are Arizona's and
  // Hawaii's time, which keep no summer time either): a shop on the US east coast writing it got
  // every summer order's day an hour off, with nothing said
  if (name.toUpperCase() === 'EST') {
    return `${name} is a fixed UTC-05:00 all year, not the US Eastern time, which is -04:00 in summer: use America/New_York (or America/Panama for a place that keeps -05:00 all year)`
  }
  // DuckDB's ICU reads UTC+2 as a fixed +02:00 but refuses GMT+2, and the IANA database's own
  // Etc/GMT+2 is 2 hours BEHIND UTC: an offset written as a zone is refused whichever way it reads
  if (/^\s*((UTC|GMT|Z)\s*)?[+-]\s*\d/i.test(name)) {
    return `${name} is an offset, not a time zone: write the offset in the dates (2024-03-10T14:30:00+02:00), or give the IANA name of the place, such as Europe/Berlin (whose offset changes with summer time)`
  }
  return null
}

/**
 * Whether `timeZone` is an IANA zone the runtime knows (not an abbreviation ICU maps to one).
 * Here, beside the abbreviations, with no imports but two small pure ones: the environment's
 * LOYALS_TZ is checked with it at every start.
 * @example isTimeZone('Europe/Paris') // true; isTimeZone('BST') // false
 */
export function isTimeZone(timeZone: string): boolean {
  if (zoneNameProblem(timeZone)) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/**
 * " (did you mean Europe/Berlin?)" for a name that is not a time zone but a few letters from one
 * (Europe/Berln, america/new york), else ''. The runtime's zones plus UTC are the candidates.
 */
export function zoneGuess(name: string): string {
  if (name.length > 64) return ''
  const guesses = closestWords(name, [...Intl.supportedValuesOf('timeZone'), 'UTC'])
  return guesses.length > 0 ? ` (did you mean ${orList(guesses)}?)` : ''
}
