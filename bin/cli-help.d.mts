export declare const USAGE: string;
export declare const COMMAND_HELP: Record<string, string>;
export declare function version(): string;
export declare function quickAnswer(argv: string[]): string | undefined;
