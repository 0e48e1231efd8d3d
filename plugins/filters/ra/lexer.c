/* ra filter plugin: the tokenizer.
 *
 * A word is a run of letters, digits and . : / - _ +, so
 * addresses ("fe80::1", "10.0.0.0/8"), MACs, ranges ("53-256") and names
 * ("ipv6-icmp", "ftp-data") are single words; the parser gives them meaning
 * from their position.
 */
#include <stdio.h>

#include "lexer.h"

static int is_word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == ':' || c == '/' || c == '-' || c == '_' || c == '+';
}

size_t argus_rafilter_lex(const char *expr, size_t len, struct argus_rafilter_token *toks,
			  char *err, size_t errlen)
{
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char c = (unsigned char)expr[i];
		struct argus_rafilter_token *t = &toks[n];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			i++;
			continue;
		}
		t->pos = (uint32_t)i;
		t->cmp = 0;
		t->len = 1;
		if (c == '(') {
			t->kind = ARGUS_RAFILTER_T_LPAREN;
		} else if (c == ')') {
			t->kind = ARGUS_RAFILTER_T_RPAREN;
		} else if (c == '&' && i + 1 < len && expr[i + 1] == '&') {
			t->kind = ARGUS_RAFILTER_T_AND;
			t->len = 2;
		} else if (c == '|' && i + 1 < len && expr[i + 1] == '|') {
			t->kind = ARGUS_RAFILTER_T_OR;
			t->len = 2;
		} else if (c == '!') {
			t->kind = ARGUS_RAFILTER_T_NOT;
		} else if (c == '<' || c == '>' || c == '=') {
			int eq = i + 1 < len && expr[i + 1] == '=';
			t->kind = ARGUS_RAFILTER_T_CMP;
			t->len = eq ? 2u : 1u;
			if (c == '<')
				t->cmp = eq ? ARGUS_RAFILTER_LE : ARGUS_RAFILTER_LT;
			else if (c == '>')
				t->cmp = eq ? ARGUS_RAFILTER_GE : ARGUS_RAFILTER_GT;
			else
				t->cmp = ARGUS_RAFILTER_EQ;
		} else if (is_word_char(c)) {
			size_t j = i + 1;
			while (j < len && is_word_char((unsigned char)expr[j]))
				j++;
			t->kind = ARGUS_RAFILTER_T_WORD;
			t->len = (uint32_t)(j - i);
		} else {
			if (c >= 0x21 && c < 0x7f)
				snprintf(err, errlen, "column %zu: unexpected character '%c'",
					 i + 1, c);
			else
				snprintf(err, errlen, "column %zu: unexpected character 0x%02x",
					 i + 1, (unsigned)c);
			return 0;
		}
		i += t->len;
		n++;
	}
	toks[n].kind = ARGUS_RAFILTER_T_END;
	toks[n].cmp = 0;
	toks[n].pos = (uint32_t)len;
	toks[n].len = 0;
	return n + 1;
}
