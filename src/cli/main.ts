#!/usr/bin/env node
// Entry point of the `durabletask` command (package.json "bin").
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
