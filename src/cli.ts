#!/usr/bin/env node
/**
 * The `serviceflow` command: `serviceflow simulate …` and `serviceflow diagram [inquiry|contact]`.
 * See `serviceflow --help`.
 */
import { runCli } from './cli/program.js';

void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
