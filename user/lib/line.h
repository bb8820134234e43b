#ifndef USER_LINE_H
#define USER_LINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A line editor for a terminal that sends raw characters (the console's
 * read call): printable characters are typed in, Backspace (0x08 or 0x7f)
 * removes the last, Ctrl-U the whole line, Enter ('\r', '\n' or "\r\n")
 * ends it; the up and down arrows ("ESC [ A", "ESC [ B") step through the
 * lines entered before. Its echo goes to the write function; the editor
 * itself never prints.
 *
 * A line holds at most LINE_MAX characters. What is typed past that is
 * dropped and not echoed, and the line comes out marked truncated.
 */
#define LINE_MAX 255
#define LINE_HISTORY 16

typedef void (*line_write)(void* context, const char* text, size_t length);

struct line_editor
{
    char text[LINE_MAX + 1];
    size_t length;
    bool truncated;    /* characters were dropped from this line */
    int escape;        /* 0, or how far into an escape sequence: 1 after ESC, 2 after "ESC [" */
    bool after_return; /* the last character was '\r': a '\n' now ends no line */
    char history[LINE_HISTORY][LINE_MAX + 1];
    size_t history_count; /* lines kept, at most LINE_HISTORY; history[0] the newest */
    size_t recalled;      /* 0 while editing a new line; k while showing history[k - 1] */
    line_write write;
    void* context;
};

void line_init(struct line_editor* editor, line_write write, void* context);
bool line_feed(struct line_editor* editor, char c);
void line_start(struct line_editor* editor);

#endif
