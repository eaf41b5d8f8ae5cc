/** Bad input from the user (a file, a dataset, a matrix): the message names it and says what to do. */
export class InputError extends Error {
  constructor(message: string) { super(message); this.name = 'InputError'; }
}

/** An impossible or unknown option: the message names the option. */
export class OptionError extends Error {
  constructor(message: string) { super(message); this.name = 'OptionError'; }
}

/** A part that is planned but not built yet: never a fake result. */
export class NotYetError extends Error {
  constructor(what: string) { super(`not yet: ${what} is not implemented in this version of tailedcore-kit`); this.name = 'NotYetError'; }
}
