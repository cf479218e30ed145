/** An id too long for its table cell: shown cut short with an ellipsis, whole on hover, and a button that copies it. */
import { useState } from 'preact/hooks';

export function LongId({ value }: { value: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    // The clipboard needs a secure context (localhost is one); elsewhere the whole id is still in the title and the text.
    navigator.clipboard?.writeText(value).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => undefined,
    );
  };
  return (
    <span class="long-id">
      <code title={value}>{value}</code>
      <button type="button" class="copy" onClick={copy} aria-label={`Copy ${value}`}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}
