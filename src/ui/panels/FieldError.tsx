/** A form field's error, announced to screen readers; the text names the field. */
export function FieldError({ text, id }: { text: string | undefined; id?: string }) {
  if (!text) return null;
  return (
    <p className="field-error" role="alert" id={id}>
      {text}
    </p>
  );
}
