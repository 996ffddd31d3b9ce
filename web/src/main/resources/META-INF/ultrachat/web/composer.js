// The message box, used for the conversation and for the thread pane: Enter sends,
// Shift+Enter adds a line, @ opens mention suggestions (arrows, Enter/Tab, Escape), files can
// be attached with the button, by pasting or by dropping, and drafts are kept per conversation.

import { h, icon } from './dom.js';
import { capitalise, describeError, formatBytes } from './format.js';

const MAX_BODY = 4000;
const MAX_FILES = 10;
const MAX_SUGGESTIONS = 8;
// Text before the caret that ends in "@partial" (not inside a word or an e-mail address).
const MENTION_QUERY = /(?:^|[^A-Za-z0-9._@-])@([A-Za-z0-9._-]{0,32})$/;

let uploadKeys = 0;

export class Composer {
  /**
   * @param id            prefix for element ids (tests and labels use them)
   * @param onSubmit      (body, attachments) => void; called with the trimmed text
   * @param onTyping      () => void; called as the person types
   * @param upload        (file) => Promise<attachment>
   * @param suggestions   (query) => [{insert, label, detail}]
   * @param onEditLast    () => boolean; ArrowUp in an empty box edits the last own message
   * @param onEscape      () => void; Escape with nothing else to close
   */
  constructor({ id, onSubmit, onTyping, upload, suggestions, onEditLast = () => false, onEscape = () => {} }) {
    this.id = id;
    this.onSubmit = onSubmit;
    this.onTyping = onTyping;
    this.upload = upload;
    this.suggestions = suggestions;
    this.onEditLast = onEditLast;
    this.onEscape = onEscape;
    this.uploads = [];
    this.drafts = new Map();
    this.draftKey = null;
    this.options = [];
    this.active = -1;
    this.mentionStart = -1;
    this.build();
  }

  build() {
    const id = this.id;
    this.input = h('textarea', {
      id: `${id}-input`, class: 'composer-input', rows: '1', 'data-testid': `${id}-input`,
      'aria-autocomplete': 'list', 'aria-controls': `${id}-mentions`, 'aria-expanded': 'false', 'aria-describedby': `${id}-hint`,
      maxlength: String(MAX_BODY * 2),
    });
    this.list = h('ul', { id: `${id}-mentions`, class: 'mention-list', role: 'listbox', 'aria-label': 'People to mention', hidden: true, 'data-testid': 'mention-list' });
    this.file = h('input', { type: 'file', multiple: true, class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true', 'data-testid': `${id}-file` });
    this.chips = h('ul', { class: 'composer-uploads', 'aria-label': 'Attachments', hidden: true, 'data-testid': `${id}-uploads` });
    this.error = h('p', { class: 'composer-error', role: 'alert', hidden: true });
    this.attach = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Attach files', title: 'Attach files' }, icon('clip'));
    this.submit = h('button', { type: 'submit', class: 'icon-btn composer-send', 'aria-label': 'Send message', title: 'Send (Enter)' }, icon('send'));
    this.form = h('form', { class: 'composer', id: `${id}-form`, 'data-testid': id, novalidate: true },
      this.chips,
      h('div', { class: 'composer-box' }, this.list, this.input, h('div', { class: 'composer-tools' }, this.file, this.attach, this.submit)),
      h('p', { id: `${id}-hint`, class: 'composer-hint', text: 'Enter to send · Shift+Enter for a new line · @ to mention' }),
      this.error);

    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.send();
    });
    this.input.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.input.addEventListener('input', () => {
      this.autosize();
      this.updateSuggestions();
      this.setError('');
      if (this.input.value.trim()) this.onTyping();
    });
    this.input.addEventListener('click', () => this.updateSuggestions());
    this.input.addEventListener('blur', () => setTimeout(() => this.closeSuggestions(), 150));
    this.list.addEventListener('mousedown', (e) => e.preventDefault());
    this.list.addEventListener('click', (e) => {
      const li = e.target instanceof Element ? e.target.closest('[role=option]') : null;
      if (li) this.choose(Number(li.dataset.index));
    });
    this.attach.addEventListener('click', () => this.file.click());
    this.file.addEventListener('change', () => {
      this.addFiles([...this.file.files]);
      this.file.value = '';
    });
    this.input.addEventListener('paste', (e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length) {
        e.preventDefault();
        this.addFiles(files);
      }
    });
    this.form.addEventListener('dragover', (e) => {
      if ([...(e.dataTransfer?.types ?? [])].includes('Files')) {
        e.preventDefault();
        this.form.classList.add('dropping');
      }
    });
    this.form.addEventListener('dragleave', () => this.form.classList.remove('dropping'));
    this.form.addEventListener('drop', (e) => {
      this.form.classList.remove('dropping');
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) {
        e.preventDefault();
        this.addFiles(files);
      }
    });
    this.chips.addEventListener('click', (e) => {
      const b = e.target instanceof Element ? e.target.closest('button[data-upload]') : null;
      if (!b) return;
      this.uploads = this.uploads.filter((u) => String(u.key) !== b.dataset.upload);
      this.renderUploads();
      this.input.focus();
    });
  }

  mount(slot) {
    slot.replaceChildren(this.form);
  }

  /** Switches the box to another conversation (or thread), keeping each one's unsent text. */
  setContext(key, label) {
    if (this.draftKey != null) {
      const text = this.input.value;
      if (text.trim()) this.drafts.set(this.draftKey, text);
      else this.drafts.delete(this.draftKey);
    }
    this.draftKey = key;
    this.input.value = this.drafts.get(key) ?? '';
    this.input.placeholder = label;
    this.input.setAttribute('aria-label', label);
    this.uploads = [];
    this.renderUploads();
    this.closeSuggestions();
    this.setError('');
    this.autosize();
  }

  setEnabled(enabled) {
    this.form.hidden = !enabled;
  }

  focus() {
    this.input.focus({ preventScroll: true });
  }

  setError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  autosize() {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 240)}px`;
  }

  onKeyDown(e) {
    const open = !this.list.hidden && this.options.length > 0;
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = this.options.length;
        this.setActive((this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
        e.preventDefault();
        this.choose(this.active < 0 ? 0 : this.active);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.closeSuggestions();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      this.send();
      return;
    }
    if (e.key === 'ArrowUp' && !this.input.value && this.onEditLast()) {
      e.preventDefault();
      return;
    }
    if (e.key === 'Escape' && !this.input.value) this.onEscape();
  }

  send() {
    const body = this.input.value.trim();
    if (this.uploads.some((u) => u.state === 'uploading')) {
      this.setError('Wait for the attachments to finish uploading.');
      return;
    }
    const attachments = this.uploads.filter((u) => u.state === 'done').map((u) => u.attachment);
    if (!body && attachments.length === 0) return;
    if ([...body].length > MAX_BODY) {
      this.setError(`Messages can be at most ${MAX_BODY} characters; this one has ${[...body].length}.`);
      return;
    }
    this.onSubmit(body, attachments);
    this.input.value = '';
    if (this.draftKey != null) this.drafts.delete(this.draftKey);
    this.uploads = [];
    this.renderUploads();
    this.closeSuggestions();
    this.autosize();
    this.input.focus();
  }

  // -------------------------------------------------------------------------------------------
  // Mention suggestions

  updateSuggestions() {
    const caret = this.input.selectionStart;
    if (caret !== this.input.selectionEnd) return this.closeSuggestions();
    const match = this.input.value.slice(0, caret).match(MENTION_QUERY);
    if (!match) return this.closeSuggestions();
    this.mentionStart = caret - match[1].length - 1;
    this.options = this.suggestions(match[1].toLowerCase()).slice(0, MAX_SUGGESTIONS);
    if (!this.options.length) return this.closeSuggestions();
    this.list.replaceChildren(...this.options.map((o, i) => h('li', {
      id: `${this.id}-mention-${i}`, role: 'option', class: 'mention-option', 'data-index': String(i), 'aria-selected': 'false',
      'data-testid': 'mention-option',
    }, h('span', { class: 'mention-option-label', text: o.label }), o.detail ? h('span', { class: 'mention-option-detail', text: o.detail }) : null)));
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.setActive(0);
  }

  setActive(i) {
    this.active = i;
    this.list.querySelectorAll('[role=option]').forEach((li, n) => li.setAttribute('aria-selected', n === i ? 'true' : 'false'));
    this.input.setAttribute('aria-activedescendant', `${this.id}-mention-${i}`);
    this.list.querySelector(`[data-index="${i}"]`)?.scrollIntoView({ block: 'nearest' });
  }

  choose(i) {
    const o = this.options[i];
    if (!o || this.mentionStart < 0) return this.closeSuggestions();
    const v = this.input.value;
    const caret = this.input.selectionStart;
    const before = v.slice(0, this.mentionStart);
    const after = v.slice(caret).replace(/^[A-Za-z0-9._-]*/, '');
    const insert = `@${o.insert} `;
    this.input.value = before + insert + after.replace(/^ /, '');
    const pos = before.length + insert.length;
    this.input.setSelectionRange(pos, pos);
    this.closeSuggestions();
    this.input.focus();
    this.autosize();
  }

  closeSuggestions() {
    this.options = [];
    this.active = -1;
    this.mentionStart = -1;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  // -------------------------------------------------------------------------------------------
  // Attachments

  addFiles(files) {
    const room = MAX_FILES - this.uploads.length;
    if (files.length > room) this.setError(`At most ${MAX_FILES} files per message.`);
    for (const file of files.slice(0, Math.max(0, room))) {
      const u = { key: ++uploadKeys, file, state: 'uploading', attachment: null, error: '' };
      this.uploads.push(u);
      this.upload(file).then((attachment) => {
        u.state = 'done';
        u.attachment = attachment;
      }, (err) => {
        u.state = 'failed';
        u.error = capitalise(describeError(err));
      }).finally(() => this.renderUploads());
    }
    this.renderUploads();
  }

  renderUploads() {
    this.chips.hidden = this.uploads.length === 0;
    this.chips.replaceChildren(...this.uploads.map((u) => h('li', {
      class: `upload upload-${u.state}`, 'data-testid': 'upload', 'data-state': u.state,
    },
    h('span', { class: 'upload-name', text: u.file.name }),
    h('span', { class: 'upload-meta', text: u.state === 'uploading' ? 'Uploading…' : u.state === 'failed' ? u.error : formatBytes(u.file.size) }),
    h('button', { type: 'button', class: 'icon-btn', 'data-upload': String(u.key), 'aria-label': `Remove ${u.file.name}` }, icon('close')))));
  }
}
