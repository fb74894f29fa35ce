// Settings → Content: the account's writing defaults (tone, length, extra instructions, author profile) and image
// defaults (images per article, style). New articles and image prompts use them.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { useMe } from '../../api/queries';
import { canRunAi, type ContentSettings, type ContentSettingsInput } from '../../api/types';
import { useWriterSettings, writerKeys } from '../../api/writer';
import { Alert, Button, Card, ErrorAlert, Field, Input, LoadingBlock, PageHeader, Select, Textarea, fieldError } from '../../components/ui';
import { toast } from '../../stores/toast';

const TONES = ['clear and friendly', 'professional', 'conversational', 'authoritative', 'playful', 'empathetic'];
const STYLES = ['photographic', 'illustration', 'flat vector', '3d render', 'watercolor', 'minimalist'];
const FIELDS = ['tone', 'default_words', 'extra_instructions', 'author_profile', 'in_article_images', 'image_style'];

interface FormState {
  tone: string;
  default_words: string;
  extra_instructions: string;
  author_profile: string;
  in_article_images: string;
  image_style: string;
}

const formOf = (s: ContentSettings): FormState => ({
  tone: s.tone,
  default_words: String(s.default_words),
  extra_instructions: s.extra_instructions,
  author_profile: s.author_profile,
  in_article_images: String(s.in_article_images),
  image_style: s.image_style,
});

function ContentSettingsForm({ settings, canEdit }: { settings: ContentSettings; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(() => formOf(settings));
  const [wordsError, setWordsError] = useState<string | undefined>();
  useEffect(() => setForm(formOf(settings)), [settings]);

  const save = useMutation({
    mutationFn: (body: ContentSettingsInput) => api.put('/api/v1/writer/settings', { body }),
    onSuccess: (saved) => {
      queryClient.setQueryData(writerKeys.settings, saved);
      toast.success('Content settings saved.');
    },
  });

  const initial = formOf(settings);
  const dirty = (Object.keys(form) as (keyof FormState)[]).some((k) => form[k] !== initial[k]);
  const set = (key: keyof FormState) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const words = Number(form.default_words.trim());
    if (!/^\d+$/.test(form.default_words.trim()) || words < 300 || words > 6000) {
      setWordsError('Use 300 to 6000 words.');
      return;
    }
    setWordsError(undefined);
    save.mutate({
      tone: form.tone.trim(),
      default_words: words,
      extra_instructions: form.extra_instructions.trim(),
      author_profile: form.author_profile.trim(),
      in_article_images: Number(form.in_article_images),
      image_style: form.image_style.trim(),
    });
  };

  const err = save.error;
  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {!canEdit && <Alert tone="info">Viewers cannot change the content settings. Ask an editor, admin or owner.</Alert>}
      <fieldset disabled={!canEdit || save.isPending} className="space-y-5">
        <Card title="Writing" description="Used for every new article; a task's own length wins over the default.">
          <div className="space-y-4">
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Tone" hint="How articles sound, in a few words." error={fieldError(err, 'tone')}>
                <Input value={form.tone} onChange={set('tone')} list="tone-suggestions" maxLength={100} />
              </Field>
              <Field label="Default length (words)" hint="300 to 6000." error={wordsError ?? fieldError(err, 'default_words')}>
                <Input inputMode="numeric" value={form.default_words} onChange={set('default_words')} />
              </Field>
            </div>
            <datalist id="tone-suggestions">
              {TONES.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
            <Field
              label="Extra instructions"
              optional
              hint="Added to the writing prompt: house style, words to avoid, what to always include."
              error={fieldError(err, 'extra_instructions')}
            >
              <Textarea rows={4} value={form.extra_instructions} onChange={set('extra_instructions')} maxLength={4000} />
            </Field>
            <Field label="Author profile" optional hint="Who writes: background and point of view." error={fieldError(err, 'author_profile')}>
              <Textarea rows={3} value={form.author_profile} onChange={set('author_profile')} maxLength={2000} />
            </Field>
          </div>
        </Card>
        <Card title="Images" description="Each article gets one featured image and this many in-article images.">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="In-article images" error={fieldError(err, 'in_article_images')}>
              <Select value={form.in_article_images} onChange={set('in_article_images')}>
                {[0, 1, 2, 3, 4, 5, 6].map((n) => (
                  <option key={n} value={n}>
                    {n === 0 ? 'None (featured image only)' : n}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Image style" hint="Added to every image prompt." error={fieldError(err, 'image_style')}>
              <Input value={form.image_style} onChange={set('image_style')} list="style-suggestions" maxLength={100} />
            </Field>
            <datalist id="style-suggestions">
              {STYLES.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </div>
        </Card>
      </fieldset>
      <ErrorAlert error={err} hideFields={FIELDS} />
      {canEdit && (
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={() => setForm(initial)} disabled={!dirty || save.isPending}>
            Discard changes
          </Button>
          <Button variant="primary" type="submit" loading={save.isPending} disabled={!dirty}>
            Save changes
          </Button>
        </div>
      )}
    </form>
  );
}

export default function ContentSettingsPage() {
  const me = useMe();
  const settings = useWriterSettings();
  return (
    <>
      <PageHeader
        eyebrow="Settings"
        title="Content"
        description="Writing and image defaults of your account. They apply to articles and image prompts made from now on."
      />
      {settings.isLoading || me.isLoading ? (
        <LoadingBlock />
      ) : settings.isError || !settings.data ? (
        <ErrorAlert error={settings.error} />
      ) : (
        <ContentSettingsForm settings={settings.data} canEdit={canRunAi(me.data?.user.role)} />
      )}
    </>
  );
}
