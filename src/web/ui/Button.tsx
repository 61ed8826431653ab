import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Link } from 'react-router';

type Variant = 'primary' | 'secondary';

interface CommonProps {
  variant?: Variant;
  children: ReactNode;
}

/**
 * A button, or a link that looks like one when given `to` (in-app route) or `href` (tel:, other
 * sites, or a file the API serves: `download` saves it rather than opening it).
 */
export function Button(
  props: CommonProps &
    (
      | ({ to: string; href?: never } & { className?: string })
      | ({ href: string; to?: never } & { className?: string; download?: boolean })
      | ({ to?: never; href?: never } & ButtonHTMLAttributes<HTMLButtonElement>)
    ),
) {
  const { variant = 'primary', children } = props;
  const className = `button button-${variant}${props.className ? ` ${props.className}` : ''}`;
  if (props.to !== undefined)
    return (
      <Link className={className} to={props.to}>
        {children}
      </Link>
    );
  if (props.href !== undefined)
    return (
      <a className={className} href={props.href} download={props.download || undefined}>
        {children}
      </a>
    );
  const { variant: _v, children: _c, to: _t, href: _h, type = 'button', ...rest } = props;
  return (
    <button {...rest} type={type} className={className}>
      {children}
    </button>
  );
}
