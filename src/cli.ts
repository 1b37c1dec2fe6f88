#!/usr/bin/env node
/**
 * The `serviceflow` command: `serviceflow simulate …` and `serviceflow diagram [inquiry|contact]`.
 * See `serviceflow --help`. The command runs in a worker thread started from this same file; the
 * main thread keeps the terminal (see cli/worker.ts).
 */
import { isMainThread } from 'node:worker_threads';
import { runCommandInWorker, serveCommand } from './cli/worker.js';

if (isMainThread) runCommandInWorker(new URL(import.meta.url), process.argv.slice(2));
else void serveCommand();
