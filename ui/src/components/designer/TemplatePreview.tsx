// Why: the form exactly as clinicians will see it (the same page layout and inputs as the
// encounter form), for the draft or any published version, so an admin can check a form
// before publishing it and see what older encounters still render. Values typed here are
// kept only on screen and never saved.
import { useState } from "react";
import type { TemplateContent } from "../../bindings/TemplateContent";
import { toDraft, type Draft } from "../../logic/fields";
import { FieldInput } from "../encounter/FieldInput";
import { FormPages, pagesOf } from "../encounter/FormPages";

interface Props {
  content: TemplateContent;
  caption: string;
}

export function TemplatePreview({ content, caption }: Props) {
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  return (
    <section className="card encounter-form template-preview" aria-label={`Preview: ${caption}`} data-testid="template-preview">
      <header className="encounter-head">
        <h3>
          {content.name} <span className="muted">{caption}</span>
        </h3>
        <span className="muted">Preview: nothing typed here is saved</span>
      </header>
      <FormPages
        pages={pagesOf(content.pages)}
        renderField={(f) => (
          <FieldInput
            field={f}
            draft={drafts[f.id] ?? toDraft(f.field_type, undefined)}
            error={undefined}
            autoFilled={false}
            vitals={[]}
            onEdit={(d) => setDrafts((all) => ({ ...all, [f.id]: d }))}
            onBlur={() => undefined}
          />
        )}
      />
    </section>
  );
}
