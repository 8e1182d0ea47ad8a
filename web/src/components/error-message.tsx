import { useTranslation } from 'react-i18next';
import { ApiError, NETWORK_ERROR, errorText } from '../api/client.ts';

/** The API's error in plain words (an input refused before sending: its first problem), with the request id to quote when reporting it. */
export function ErrorMessage({ error, prefix }: { error: unknown; prefix?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const message = error instanceof ApiError && error.code === NETWORK_ERROR ? t('common.networkError') : errorText(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <p role="alert" className="my-3 rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
      {prefix ? `${prefix}: ` : ''}{message}
      {requestId && <span className="ml-2 text-xs opacity-70">{t('common.requestId', { id: requestId })}</span>}
    </p>
  );
}
