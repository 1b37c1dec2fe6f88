import { expect } from 'vitest';
import { ServiceFlowError } from 'serviceflow';

/** Runs `fn`, expects it to throw a ServiceFlowError, and returns it for assertions on code and path. */
export function thrown(fn: () => unknown): ServiceFlowError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceFlowError);
    return error as ServiceFlowError;
  }
  throw new Error('expected a ServiceFlowError');
}
