import type { ToolKind } from './enums.js';

/**
 * zag's case-insensitive tool-name heuristic, in zag's order: the more specific
 * categories are tested first so that e.g. `NotebookEdit` is a notebook tool and
 * `WebSearch` is a search tool, exactly as zag classifies them.
 *
 * @example inferToolKind('Bash') // 'shell'
 */
export function inferToolKind(name: string): ToolKind {
  const lower = name.toLowerCase();
  if (lower.includes('notebook')) return 'notebook';
  if (lower.includes('bash') || lower.includes('shell') || lower === 'exec') return 'shell';
  if (lower.includes('read') || lower === 'view' || lower === 'cat') return 'file_read';
  if (lower.includes('write')) return 'file_write';
  if (lower.includes('edit') || lower.includes('patch')) return 'file_edit';
  if (lower.includes('grep') || lower.includes('glob') || lower.includes('search') || lower === 'find') {
    return 'search';
  }
  if (lower.includes('agent')) return 'sub_agent';
  if (lower.includes('web') || lower.includes('fetch') || lower.includes('http')) return 'web';
  return 'other';
}
