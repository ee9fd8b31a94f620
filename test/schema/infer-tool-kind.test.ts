import { describe, expect, it } from 'vitest';
import { inferToolKind } from '../../src/index.js';

describe('inferToolKind follows zag heuristic order', () => {
  it.each([
    ['NotebookEdit', 'notebook'],
    ['Bash', 'shell'],
    ['run_shell_command', 'shell'],
    ['exec', 'shell'],
    ['exec_command', 'other'],
    ['Read', 'file_read'],
    ['view', 'file_read'],
    ['cat', 'file_read'],
    ['Write', 'file_write'],
    ['write_file', 'file_write'],
    ['Edit', 'file_edit'],
    ['apply_patch', 'file_edit'],
    ['Grep', 'search'],
    ['Glob', 'search'],
    ['find', 'search'],
    ['WebSearch', 'search'],
    ['Agent', 'sub_agent'],
    ['Task', 'other'],
    ['WebFetch', 'web'],
    ['http_get', 'web'],
    ['update_plan', 'other'],
    ['', 'other'],
  ] as const)('%s -> %s', (name, kind) => {
    expect(inferToolKind(name)).toBe(kind);
  });

  it('is case-insensitive', () => {
    expect(inferToolKind('BASH')).toBe('shell');
    expect(inferToolKind('ReadFile')).toBe('file_read');
  });

  it('checks notebook before read/edit and read before write', () => {
    expect(inferToolKind('read_notebook')).toBe('notebook');
    expect(inferToolKind('readwrite')).toBe('file_read');
    // "thread" contains "read": zag's heuristic says file_read, and so do we.
    expect(inferToolKind('spawn_thread')).toBe('file_read');
  });
});
