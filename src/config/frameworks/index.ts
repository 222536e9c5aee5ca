import type { FrameworkName } from '../types.js';
import { dbmate } from './dbmate.js';
import { diesel } from './diesel.js';
import { flyway } from './flyway.js';
import { golangMigrate } from './golang-migrate.js';
import { goose } from './goose.js';
import { prisma } from './prisma.js';
import { rails } from './rails.js';
import { sqitch } from './sqitch.js';
import type { FrameworkPreset } from './types.js';

/** Migration framework presets by name. Each module documents where its down migrations live (`downFor`). */
export const frameworks: Record<FrameworkName, FrameworkPreset> = {
  flyway,
  'golang-migrate': golangMigrate,
  goose,
  dbmate,
  prisma,
  diesel,
  sqitch,
  rails,
};

export type { FrameworkPreset, PreparedFile, DownLocation } from './types.js';
