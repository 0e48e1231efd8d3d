/* ra filter plugin: the tokenizer. */
#ifndef ARGUS_RAFILTER_LEXER_H
#define ARGUS_RAFILTER_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"

enum argus_rafilter_tok {
	ARGUS_RAFILTER_T_END = 0,
	ARGUS_RAFILTER_T_WORD, /* keyword, number, address, name */
	ARGUS_RAFILTER_T_LPAREN,
	ARGUS_RAFILTER_T_RPAREN,
	ARGUS_RAFILTER_T_NOT, /* ! */
	ARGUS_RAFILTER_T_AND, /* && */
	ARGUS_RAFILTER_T_OR,  /* || */
	ARGUS_RAFILTER_T_CMP, /* > >= < <= = == (cmp says which) */
};

struct argus_rafilter_token {
	uint8_t kind; /* enum argus_rafilter_tok */
	uint8_t cmp;  /* enum argus_rafilter_cmp for T_CMP */
	uint32_t pos; /* byte offset in the expression */
	uint32_t len;
};

/* Split EXPR (LEN bytes, LEN <= ARGUS_RAFILTER_MAX_LEN) into tokens.  TOKS
 * must hold LEN + 1 entries; the last token is T_END.  Returns the number of
 * tokens, or 0 with err set ("column N: unexpected character '#'"). */
ARGUS_RAFILTER_HIDDEN size_t argus_rafilter_lex(const char *expr, size_t len,
						struct argus_rafilter_token *toks, char *err,
						size_t errlen);

#endif
