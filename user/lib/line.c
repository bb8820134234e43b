/* The line editor of line.h: one character at a time, echo through editor->write. */
#include "line.h"
#include "string.h"

#define ESCAPE 0x1b
#define CONTROL_U 0x15
#define BACKSPACE 0x08
#define DELETE 0x7f

static void echo(struct line_editor* editor, const char* text, size_t length)
{
    if (length > 0)
        editor->write(editor->context, text, length);
}

/* Take back the last count characters on the terminal: back, blank, back again. */
static void erase(struct line_editor* editor, size_t count)
{
    for (size_t i = 0; i < count; i++)
        echo(editor, "\b \b", 3);
}

/* Show text in place of the line being edited. */
static void replace(struct line_editor* editor, const char* text)
{
    erase(editor, editor->length);
    editor->length = strlcpy(editor->text, text, sizeof(editor->text));
    echo(editor, editor->text, editor->length);
}

/* line_init - an editor with an empty line and no history, echoing through write(context, ...). */
void line_init(struct line_editor* editor, line_write write, void* context)
{
    memset(editor, 0, sizeof(*editor));
    editor->write = write;
    editor->context = context;
}

/* line_start - begin a new, empty line (after the one that ended was used). */
void line_start(struct line_editor* editor)
{
    editor->text[0] = '\0';
    editor->length = 0;
    editor->truncated = false;
    editor->recalled = 0;
}

static void remember(struct line_editor* editor)
{
    if (editor->length == 0 || editor->truncated ||
        (editor->history_count > 0 && strcmp(editor->history[0], editor->text) == 0))
        return;
    if (editor->history_count < LINE_HISTORY)
        editor->history_count++;
    memmove(editor->history[1], editor->history[0], (editor->history_count - 1) * sizeof(editor->history[0]));
    strlcpy(editor->history[0], editor->text, sizeof(editor->history[0]));
}

/* Up (older) or down (newer) through the history; below the newest is an empty line. */
static void recall(struct line_editor* editor, bool older)
{
    if (older && editor->recalled < editor->history_count)
        editor->recalled++;
    else if (!older && editor->recalled > 0)
        editor->recalled--;
    else
        return;
    replace(editor, editor->recalled ? editor->history[editor->recalled - 1] : "");
    editor->truncated = false;
}

/* The character after ESC or "ESC [": the arrows recall, anything else is swallowed up to its final byte. */
static void feed_escape(struct line_editor* editor, char c)
{
    if (editor->escape == 1) {
        editor->escape = c == '[' ? 2 : 0;
        return;
    }
    if (c >= 0x40 && c <= 0x7e) { /* the final byte of a control sequence (ECMA-48) */
        editor->escape = 0;
        if (c == 'A' || c == 'B')
            recall(editor, c == 'A');
    }
}

/**
 * line_feed - give the editor one character typed.
 * @editor: the editor
 * @c: the character
 * Return: true when it ended the line: editor->text holds it (and
 * editor->truncated says whether characters were dropped); call
 * line_start before feeding the next line's characters.
 */
bool line_feed(struct line_editor* editor, char c)
{
    bool after_return = editor->after_return;
    editor->after_return = c == '\r';
    if (editor->escape) {
        feed_escape(editor, c);
        return false;
    }
    switch (c) {
    case '\n':
        if (after_return)
            return false; /* the '\n' of "\r\n": the line ended at '\r' */
        /* fall through */
    case '\r':
        echo(editor, "\n", 1);
        remember(editor);
        return true;
    case BACKSPACE:
    case DELETE:
        if (editor->length > 0) {
            editor->text[--editor->length] = '\0';
            erase(editor, 1);
        }
        return false;
    case CONTROL_U:
        replace(editor, "");
        editor->truncated = false;
        return false;
    case ESCAPE:
        editor->escape = 1;
        return false;
    case '\t':
        c = ' ';
        break;
    default:
        break;
    }
    if ((unsigned char)c < ' ' || (unsigned char)c > '~')
        return false; /* other control characters and bytes past ASCII */
    if (editor->length == LINE_MAX) {
        editor->truncated = true;
        return false;
    }
    editor->text[editor->length++] = c;
    editor->text[editor->length] = '\0';
    echo(editor, &c, 1);
    return false;
}
