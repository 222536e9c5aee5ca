export { initParser, parseSource, shareParse, type ParsedSource, type SourceStatement } from './parse.js';
export { readSourceFile, decodeSource, type ReadResult, type DecodeResult } from './read.js';
export { LineIndex, byteToCharMapper, type Position } from './locate.js';
export { lex, skipTrivia, type Comment } from './lexer.js';
