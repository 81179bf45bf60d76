#!/usr/bin/env node
// Entry point of the `durabletask` command (package.json "bin").
import { runCli } from './program.js';

// `durabletask list | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv);
