import { PakhuisError } from '../../lib/errors.ts';

/**
 * A problem another try will not mend: a host key that is not pinned, a certificate that is not
 * trusted, a file over the size limit, a checksum that does not match, an HTTP 404. The pull
 * does not retry it; the message is Dutch, for the run's warnings.
 */
export class PullRefusal extends PakhuisError {
  override name = 'PullRefusal';
}
