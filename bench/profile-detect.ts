/**
 * CPU profile of detection alone with the pack or 10x the pack (bench/rule-variants.ts), for the rules-scale goal:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-detect.ts [copies] [events] [rounds]
 */
import path from 'node:path';
import { loadRuleDirectory, RuleSet } from '../lib/rules';
import { decodeCloudWatchEvent, parseRecords } from '../lib/sources';
import { cloudWatchEventOf, loadCorpus, mixedBatch } from './corpus';
import { scaledPack } from './rule-variants';

const copies = Number(process.argv[2] ?? 10);
const events = Number(process.argv[3] ?? 10_000);
const rounds = Number(process.argv[4] ?? 5);
const rulesDir = path.join(__dirname, '..', 'rules');
const set = RuleSet.from(scaledPack(rulesDir, copies, loadRuleDirectory(rulesDir).rules).rules);
const decoded = decodeCloudWatchEvent(cloudWatchEventOf(mixedBatch(loadCorpus(), { events, seed: 1 }).messages));
if (!decoded.ok) throw new Error(decoded.error.reason);
const parsed = parseRecords(decoded.records).events;
let detections = 0;
for (let round = 0; round < rounds; round++) for (const event of parsed) detections += set.match(event).length;
console.log(`${set.size} rules, ${parsed.length} events x ${rounds}: ${detections} detections`);
